// The app's readiness as an ASP.NET Core health check: ready while the models are loaded and serving
// and the app is not shutting down. The response writers keep the JSON the app has always answered
// (/healthz {"status":"ok"}; /readyz {"status":"ready","models":[…]} or 503 {"status":"stopping"}).
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MnistBn.WebApp;

public sealed class ReadinessCheck(DigitModels models, IHostApplicationLifetime lifetime) : IHealthCheck
{
    /// <summary>The tag of the checks that /readyz runs.</summary>
    public const string Tag = "ready";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(lifetime.ApplicationStopping.IsCancellationRequested || !models.IsServing
            ? HealthCheckResult.Unhealthy("stopping")
            : HealthCheckResult.Healthy("ready"));

    public static Task WriteLivenessAsync(HttpContext context, HealthReport report) =>
        context.Response.WriteAsJsonAsync(new { status = "ok" });

    public static Task WriteReadinessAsync(HttpContext context, HealthReport report)
    {
        if (report.Status != HealthStatus.Healthy)
            return context.Response.WriteAsJsonAsync(new { status = "stopping" });
        var models = context.RequestServices.GetRequiredService<DigitModels>();
        return context.Response.WriteAsJsonAsync(new { status = "ready", models = models.Models.Select(m => m.Name) });
    }
}
