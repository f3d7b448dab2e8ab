using AutoResearch.Abstractions.Ports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AutoResearch.Sandboxes;

/// <summary>Registers the Docker sandbox runner.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="DockerSandboxRunner"/> as the singleton <see cref="ISandboxRunner"/> (and <see cref="DockerSandboxImages"/> as
    /// <see cref="ISandboxImages"/>), with <see cref="SandboxOptions"/>
    /// configured by <paramref name="configure"/> and validated when the host starts.
    /// </summary>
    public static IServiceCollection AddDockerSandboxes(this IServiceCollection services, Action<SandboxOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<SandboxOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SandboxOptions>, SandboxOptionsValidator>());
        services.TryAddSingleton<DockerSandboxRunner>();
        services.TryAddSingleton<ISandboxRunner>(sp => sp.GetRequiredService<DockerSandboxRunner>());
        services.TryAddSingleton<ISandboxImages, DockerSandboxImages>();
        return services;
    }
}
