// Builds the web app: Kestrel on the configured loopback address and port, the models registered with
// AddDigitClassifier and loaded once, health checks,
// the page (embedded static files) and the API. Program.cs runs it; tests and the load test build
// it with their own settings and a free port.
using System.Net;
using System.Reflection;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.FileProviders;

namespace MnistBn.WebApp;

public static class WebAppHost
{
    /// <summary>The host's logger; it logs a failed start as an error with the stack trace.</summary>
    private const string HostLogCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    /// <summary>Builds the app; loads the models (throws, naming the file, when one is missing).</summary>
    /// <param name="args">Command-line settings, e.g. <c>--WebApp:Port=8080</c>.</param>
    /// <param name="settings">Extra settings that override everything else (tests).</param>
    public static WebApplication Build(string[] args, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // appsettings.json sits beside the assembly; the current directory is whatever the shell had.
            ContentRootPath = AppContext.BaseDirectory,
        });
        if (settings is not null)
            builder.Configuration.AddInMemoryCollection(settings);

        var options = builder.Configuration.GetSection(WebAppOptions.Section).Get<WebAppOptions>() ?? new WebAppOptions();
        var address = options.Validate();

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(address, options.Port);
            // A hard ceiling above the endpoint's own (JSON-answering) limit, for every route.
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBytes + 1;
        });
        // A failed start reaches the caller (Program.cs prints it as one line); the host would also log
        // it as "Hosting failed to start" with the whole stack trace. So the host's errors are held
        // back until the app has started; later ones (none expected: no background services) show.
        IHostApplicationLifetime? lifetime = null;
        builder.Logging.AddFilter(HostLogCategory, level =>
            level >= LogLevel.Information && (level < LogLevel.Error || lifetime?.ApplicationStarted.IsCancellationRequested == true));
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(new DecodeGate(options.MaxConcurrentDecodes));
        builder.Services.AddHostedService<ShutdownDrain>();
        builder.Services.ConfigureHttpJsonOptions(json =>
            json.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase);

        DigitModels.Register(builder.Services, options, AppContext.BaseDirectory);
        builder.Services.AddHealthChecks().AddCheck<ReadinessCheck>("models", tags: [ReadinessCheck.Tag]);

        var app = builder.Build();
        lifetime = app.Lifetime;
        // Resolved here, before Kestrel listens: a model that does not load stops the app at startup.
        var models = app.Services.GetRequiredService<DigitModels>();
        app.Lifetime.ApplicationStopped.Register(models.Dispose);

        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = WriteErrorAsync,
            // A client's malformed or too-slow request is not the server's failure: WriteErrorAsync logs it
            // as one line instead of the middleware's error with a stack trace.
            SuppressDiagnosticsCallback = context => context.Exception is BadHttpRequestException,
        });
        var page = new EmbeddedFileProvider(Assembly.GetExecutingAssembly(), "wwwroot");
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = page });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = page });

        // A lambda of HttpContext alone would bind as a RequestDelegate and drop the IResult.
        var gate = app.Services.GetRequiredService<DecodeGate>();
        app.MapPost("/predict", (HttpContext context, CancellationToken _) =>
            PredictEndpoint.HandleAsync(context, models, options, gate, app.Lifetime.ApplicationStopping));
        app.MapGet("/models", () => models.Models.Select(m => new
        {
            name = m.Name,
            path = m.Classifier.ModelPath,
            device = m.Classifier.GpuDeviceId is { } id ? $"cuda:{id}" : "cpu",
            description = ModelInfo.Describe(m.Classifier),
            testAccuracy = ModelInfo.TestAccuracy(m.Classifier),
        }));
        // ASP.NET Core health checks. Liveness runs no check: the process answers. Readiness runs the
        // models check (loaded, and the app not shutting down).
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = ReadinessCheck.WriteLivenessAsync });
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadinessCheck.Tag), ResponseWriter = ReadinessCheck.WriteReadinessAsync });
        return app;
    }

    /// <summary>Starts Kestrel; a port that is taken becomes a message naming the address and the setting.</summary>
    /// <exception cref="InvalidOperationException">The address is in use.</exception>
    public static async Task StartAsync(WebApplication app, CancellationToken cancellationToken = default)
    {
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException e) when (e.InnerException is AddressInUseException)
        {
            var options = app.Services.GetRequiredService<WebAppOptions>();
            var endpoint = new IPEndPoint(IPAddress.Parse(options.Host), options.Port);
            throw new InvalidOperationException(
                $"cannot listen on {endpoint}: the address is already in use (another instance?); choose another port with " +
                $"--{WebAppOptions.Section}:Port=<n> or {WebAppOptions.Section}__Port=<n> (0 picks any free port)", e);
        }
    }

    /// <summary>The address Kestrel listens on (after StartAsync), e.g. http://127.0.0.1:5080.</summary>
    public static Uri ListeningAddress(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        return new Uri(addresses.First());
    }

    /// <summary>
    /// Unhandled exceptions: a client's malformed request stays a 4xx; a disposed object can only mean
    /// the app is shutting down (a 503 to retry elsewhere, not the server's fault); anything else is a
    /// logged 500.
    /// </summary>
    private static async Task WriteErrorAsync(HttpContext context)
    {
        var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        if (error is BadHttpRequestException clientMistake)
        {
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(WebAppHost).FullName!).LogInformation(
                "{Method} {Path} from {Client}: {Problem} (answered {Status})",
                context.Request.Method, context.Request.Path, context.Connection.RemoteIpAddress, clientMistake.Message, clientMistake.StatusCode);
        }
        var (status, message) = error switch
        {
            BadHttpRequestException bad => (bad.StatusCode, bad.Message),
            ObjectDisposedException => (StatusCodes.Status503ServiceUnavailable, PredictEndpoint.ShuttingDown),
            _ => (StatusCodes.Status500InternalServerError, "internal error; see the server log"),
        };
        context.Response.StatusCode = status;
        await context.Response.WriteAsJsonAsync(new ErrorResponse(message));
    }
}
