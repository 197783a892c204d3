# syntax=docker/dockerfile:1
# Build stage: the SDK restores and publishes the operator as a NativeAOT binary (PublishAot is set in
# its project; -r picks the platform); nothing of this stage reaches the final image.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
# NativeAOT links the native binary with clang, against zlib.
RUN apt-get update && apt-get install -y --no-install-recommends clang zlib1g-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/Entities/BackupOperator.Entities.csproj src/Entities/
COPY src/Operator/BackupOperator.csproj src/Operator/
COPY src/KubeClient/BackupOperator.KubeClient.csproj src/KubeClient/
RUN dotnet restore src/Operator/BackupOperator.csproj -r linux-x64
COPY src/ src/
RUN dotnet publish src/Operator/BackupOperator.csproj -c Release -r linux-x64 --no-restore -o /app
# Debug symbols stay behind: the image carries the binary and its appsettings.json only.
RUN rm -f /app/*.dbg /app/*.pdb

# Final stage: no .NET runtime at all, only what a native binary needs (glibc, OpenSSL for TLS to the
# API server and OCP), as the non-root user the base image provides (UID 1654). The binary writes no
# file, so the root filesystem may be read-only. The Debian base carries tzdata, which
# ClusterBackupSchedule.spec.timeZone needs (a chiseled base would need its -extra variant).
FROM mcr.microsoft.com/dotnet/runtime-deps:10.0 AS final
WORKDIR /app
COPY --from=build /app ./
ENV Http__Url=http://+:8080/ \
    DOTNET_EnableDiagnostics=0
USER 1654
EXPOSE 8080
ENTRYPOINT ["/app/BackupOperator"]
