// Dependency-injection registration in the Microsoft.Extensions conventions: one singleton
// DigitClassifier per model (thread-safe, so one is enough), its settings through the options
// pattern and validated when the host starts, the model loaded at start rather than on the first
// request, and the classifier disposed with the container.
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MnistBn.Inference;

/// <summary>Registers <see cref="DigitClassifier"/>s with an <see cref="IServiceCollection"/>.</summary>
public static class DigitClassifierServiceCollectionExtensions
{
    /// <summary>Registers one <see cref="DigitClassifier"/> singleton (inject <c>DigitClassifier</c>).</summary>
    /// <example><code>builder.Services.AddDigitClassifier(o => o.ModelPath = "models/lenet-bn.onnx");</code></example>
    public static IServiceCollection AddDigitClassifier(this IServiceCollection services, Action<DigitClassifierSettings> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        Register(services, Options.DefaultName, configure);
        services.TryAddSingleton(provider => Create(provider, Options.DefaultName));
        return services;
    }

    /// <summary>
    /// Registers a named <see cref="DigitClassifier"/> singleton, for apps with several models
    /// (inject <c>[FromKeyedServices("bn")] DigitClassifier</c>, or resolve <c>GetRequiredKeyedService</c>).
    /// </summary>
    public static IServiceCollection AddDigitClassifier(this IServiceCollection services, string name, Action<DigitClassifierSettings> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        Register(services, name, configure);
        services.TryAddKeyedSingleton(name, (provider, _) => Create(provider, name));
        return services;
    }

    private static void Register(IServiceCollection services, string name, Action<DigitClassifierSettings> configure)
    {
        services.AddOptions<DigitClassifierSettings>(name)
            .Configure(configure)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<DigitClassifierSettings>>(new SettingsValidator(name));
        // One loader per registration: AddHostedService would keep only the first (it de-duplicates by type).
        services.AddSingleton<IHostedService>(provider => new ModelLoader(provider, name));
    }

    private static DigitClassifier Create(IServiceProvider provider, string name)
    {
        var settings = provider.GetRequiredService<IOptionsMonitor<DigitClassifierSettings>>().Get(name);
        var logger = provider.GetService<ILoggerFactory>()?.CreateLogger(typeof(DigitClassifier).FullName!);
        return DigitClassifier.Create(settings.ModelPath, settings.ToOptions(logger is null ? null : message => logger.LogWarning("{Message}", message)));
    }

    /// <summary>Names the actual problem (the generic Validate message says only that something is wrong).</summary>
    private sealed class SettingsValidator(string name) : IValidateOptions<DigitClassifierSettings>
    {
        public ValidateOptionsResult Validate(string? optionsName, DigitClassifierSettings options) =>
            optionsName != name ? ValidateOptionsResult.Skip
                : options.Problem(name) is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
    }

    /// <summary>Loads the model when the host starts, so a broken model stops startup instead of the first request.</summary>
    private sealed class ModelLoader(IServiceProvider provider, string name) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            _ = name == Options.DefaultName ? provider.GetRequiredService<DigitClassifier>() : provider.GetRequiredKeyedService<DigitClassifier>(name);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
