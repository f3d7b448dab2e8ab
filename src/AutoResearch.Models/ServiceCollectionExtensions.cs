using AutoResearch.Abstractions.Ports;
using AutoResearch.Proposers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AutoResearch.Models;

public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Model endpoints from <c>AutoResearch:Models</c> (validated at start), the Semantic Kernel gateway, and a proposer factory
    /// that adds <c>llm</c> agents to the built-in optimizers.
    /// </summary>
    public static IServiceCollection AddModelAgents(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ModelOptions>()
            .Bind(configuration.GetSection(ModelOptions.Section))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ModelOptions>, ModelOptionsValidator>();
        services.AddBuiltInProposers();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IModelGateway, SemanticKernelModelGateway>();
        services.TryAddSingleton<ModelProposerFactory>();
        services.Replace(ServiceDescriptor.Singleton<IProposerFactory>(sp => sp.GetRequiredService<ModelProposerFactory>()));
        return services;
    }
}
