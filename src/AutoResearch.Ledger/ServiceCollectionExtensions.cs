using AutoResearch.Abstractions.Ports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AutoResearch.Ledger;

public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Registers the ledger: <see cref="LedgerSettings"/>, <c>IDbContextFactory&lt;LedgerDbContext&gt;</c>, <see cref="ILedger"/>,
    /// <see cref="IJournal"/>, <see cref="LedgerWriteGate"/> and <see cref="LedgerInitializer"/> (also a hosted service that creates the schema at start-up).
    /// The options are validated here, so a bad connection string fails when the host is built.
    /// </summary>
    /// <exception cref="LedgerConfigurationException">The options are invalid.</exception>
    public static IServiceCollection AddLedger(this IServiceCollection services, Action<LedgerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);

        var options = new LedgerOptions();
        configure(options);
        var settings = options.Validate();

        services.AddSingleton(settings);
        services.AddDbContextFactory<LedgerDbContext, LedgerDbContextFactory>(settings.Configure);
        services.AddSingleton<LedgerWriteGate>();
        services.AddSingleton<LedgerInitializer>();
        services.AddHostedService(sp => sp.GetRequiredService<LedgerInitializer>());
        services.AddSingleton<EfLedger>();
        services.AddSingleton<ILedger>(sp => sp.GetRequiredService<EfLedger>());
        services.AddSingleton<EfJournal>();
        services.AddSingleton<IJournal>(sp => sp.GetRequiredService<EfJournal>());
        return services;
    }
}
