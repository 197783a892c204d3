using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace BackupOperator.OcpSimulator;

/// <summary>A real HTTP server that behaves like OCP for the operator's tests and demo.</summary>
public static class SimulatorApp
{
    public static WebApplication Build(string[] args, TimeProvider? time = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Services.Configure<SimulatorOptions>(builder.Configuration.GetSection("Simulator"));
        if (builder.Configuration["port-file"] is { } portFile)
        {
            builder.Services.PostConfigure<SimulatorOptions>(o => o.PortFile ??= portFile);
        }

        builder.Services.AddSingleton(time ?? TimeProvider.System);
        builder.Services.AddSingleton<SimulatorState>();
        builder.Services.AddSingleton<OcpAuthenticator>();
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNameCaseInsensitive = true);

        var cert = builder.Configuration["Simulator:CertificatePath"];
        var key = builder.Configuration["Simulator:KeyPath"];
        if (cert is not null && key is not null)
        {
            builder.WebHost.UseKestrelHttpsConfiguration();
            builder.WebHost.ConfigureKestrel(k => k.ConfigureHttpsDefaults(h => h.ServerCertificate = X509Certificate2.CreateFromPemFile(cert, key)));
        }

        var app = builder.Build();
        ApiEndpoints.Map(app);
        AdminEndpoints.Map(app);
        app.Lifetime.ApplicationStarted.Register(() => Announce(app));
        return app;
    }

    public static async Task RunAsync(string[] args)
    {
        await using var app = Build(args);
        await app.RunAsync();
    }

    private static void Announce(WebApplication app)
    {
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "";
        url = url.TrimEnd('/');
        Console.WriteLine($"OCP simulator listening on {url}");
        if (app.Services.GetRequiredService<IOptions<SimulatorOptions>>().Value.PortFile is { } file)
        {
            File.WriteAllText(file + ".tmp", url);
            File.Move(file + ".tmp", file, overwrite: true);
        }
    }
}
