using AutoResearch.Abstractions.Ports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AutoResearch.Reports;

public static class ServiceCollectionExtensions
{
    /// <summary>Registers <see cref="FileReportWriter"/> as the <see cref="IReportWriter"/> and <see cref="CampaignReportBuilder"/>; needs an <see cref="ILedger"/> and an <see cref="IJournal"/>.</summary>
    public static IServiceCollection AddReports(this IServiceCollection services, Action<ReportOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<ReportOptions>()
            .Configure(configure)
            .Validate(o => !string.IsNullOrWhiteSpace(o.OutputDirectory), "Reports: OutputDirectory is required.")
            .Validate(o => o.ChartWidth >= 200 && o.ChartHeight >= 150, "Reports: charts must be at least 200x150 pixels.");
        services.TryAddSingleton(TimeProvider.System);
        // Transient: works whether the ledger and journal are registered as singletons or scoped (per DbContext).
        services.TryAddTransient<CampaignReportBuilder>();
        services.TryAddTransient<IReportWriter, FileReportWriter>();
        return services;
    }
}
