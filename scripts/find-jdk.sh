# Sourced by ./serve and ./tck: sets JAVA to a java of JDK 21 or newer, or stops with one line saying what to
# install. `java` on the PATH may be older (Debian 12's is 17), so the usual install folders are searched too.

jdk_major() { # the feature version of the JDK at $1, from its release file
    local version
    version=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null)
    echo "${version:-0}"
}

find_jdk() {
    local on_path candidate
    on_path=$(command -v java 2>/dev/null || true)
    [ -n "$on_path" ] && on_path=$(dirname "$(dirname "$(readlink -f "$on_path")")")
    for candidate in "${JAVA_HOME:-}" "$on_path" /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* /opt/jdk/* \
            /Library/Java/JavaVirtualMachines/*/Contents/Home "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/*; do
        if [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && [ "$(jdk_major "$candidate")" -ge 21 ]; then
            echo "$candidate/bin/java"
            return 0
        fi
    done
    return 1
}

if ! JAVA=$(find_jdk); then
    echo "No JDK 21 or newer found: install one (Temurin 21+ from adoptium.net, or a package such as openjdk-21-jdk or openjdk-25-jdk), or set JAVA_HOME to it." >&2
    exit 1
fi
