using AutoResearch.Abstractions.Ports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AutoResearch.Proposers;

public static class ServiceCollectionExtensions
{
    /// <summary>Registers <see cref="ProposerFactory"/> as the <see cref="IProposerFactory"/> (unless one is already registered).</summary>
    public static IServiceCollection AddBuiltInProposers(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<ProposerFactory>();
        services.TryAddSingleton<IProposerFactory>(sp => sp.GetRequiredService<ProposerFactory>());
        return services;
    }
}
