# syntax=docker/dockerfile:1
# Build stage: the SDK restores and publishes; nothing of it reaches the final image.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/Entities/BackupOperator.Entities.csproj src/Entities/
COPY src/Operator/BackupOperator.csproj src/Operator/
RUN dotnet restore src/Operator/BackupOperator.csproj
COPY src/ src/
RUN dotnet publish src/Operator/BackupOperator.csproj -c Release --no-restore -o /app

# Final stage: the .NET runtime only (no ASP.NET: probes and metrics are served over a plain socket),
# as the non-root user the base image provides (UID 1654). Its Debian/Ubuntu base carries tzdata,
# which ClusterBackupSchedule.spec.timeZone needs (a chiseled base would need its -extra variant).
FROM mcr.microsoft.com/dotnet/runtime:10.0 AS final
WORKDIR /app
COPY --from=build /app ./
ENV Http__Url=http://+:8080/ \
    DOTNET_EnableDiagnostics=0 \
    DOTNET_gcServer=0
USER 1654
EXPOSE 8080
ENTRYPOINT ["dotnet", "BackupOperator.dll"]
