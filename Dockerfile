# One image per side: docker build --build-arg MODULE=command-side (or query-side, standalone).
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -ntp -q -DskipTests package

FROM eclipse-temurin:17-jre
ARG MODULE=standalone
COPY --from=build /src/${MODULE}/target/*.jar /app/
# a side's runnable jar is its -exec one; the standalone's is portal-users.jar
RUN set -e; cd /app; if ls *-exec.jar >/dev/null 2>&1; then mv *-exec.jar app.jar; else mv portal-users.jar app.jar; fi; \
    find . -name '*.jar' ! -name app.jar -delete
USER 10001
ENTRYPOINT ["java", "-jar", "/app/app.jar"]
