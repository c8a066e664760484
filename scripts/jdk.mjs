// The one JDK requirement of the demo and the tests. trino-parser (the SQL check) is Java 25
// bytecode and OpenSearch 3 runs on 21+, so one JDK 25 serves both; asking for one version
// everywhere saves a newcomer from finding out about the second one halfway through a run.

/** Lowest JDK major version the demo and the tests run with. */
export const REQUIRED_JAVA = 25;

/** What to do when no such JDK is found. */
export const JAVA_HINT = `install a JDK ${REQUIRED_JAVA} or newer (for example Eclipse Temurin ${REQUIRED_JAVA}: the Adoptium apt repository's temurin-${REQUIRED_JAVA}-jdk, or https://adoptium.net) and set JAVA_HOME to it`;
