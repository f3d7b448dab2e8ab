using AutoResearch.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;

namespace AutoResearch.Host.Storage;

/// <summary>The silo's durable state: in one SQLite file (embedded), or in the cluster's PostgreSQL database.</summary>
public static class SiloStorageExtensions
{
    /// <summary>Grain state (<see cref="Names.GrainStorage"/>) and reminders in the SQLite database of <paramref name="connectionString"/>.</summary>
    public static ISiloBuilder UseSqliteStorage(this ISiloBuilder silo, string connectionString)
    {
        silo.Services.AddKeyedSingleton<IGrainStorage>(Names.GrainStorage,
            (services, _) => new SqliteGrainStorage(connectionString, services.GetRequiredService<Serializer>()));
        silo.AddReminders();
        silo.Services.AddSingleton<IReminderTable>(_ => new SqliteReminderTable(connectionString));
        return silo;
    }

    /// <summary>
    /// Grain state (<see cref="Names.GrainStorage"/>) and reminders in the PostgreSQL database of <paramref name="connectionString"/>,
    /// keyed by the cluster's service id; the tables are created on first use.
    /// </summary>
    public static ISiloBuilder UsePostgresStorage(this ISiloBuilder silo, string connectionString)
    {
        var tables = PostgresTables.For(connectionString);
        silo.Services.AddKeyedSingleton<IGrainStorage>(Names.GrainStorage, (services, _) => new PostgresGrainStorage(
            tables, services.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId, services.GetRequiredService<Serializer>()));
        silo.AddReminders();
        silo.Services.AddSingleton<IReminderTable>(services =>
            new PostgresReminderTable(tables, services.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId));
        return silo;
    }

    /// <summary>Cluster membership in the PostgreSQL database of <paramref name="connectionString"/>, keyed by the cluster id.</summary>
    public static ISiloBuilder UsePostgresClustering(this ISiloBuilder silo, string connectionString)
    {
        var tables = PostgresTables.For(connectionString);
        silo.Services.AddSingleton<IMembershipTable>(services => new PostgresMembershipTable(
            tables, services.GetRequiredService<IOptions<ClusterOptions>>().Value.ClusterId, services.GetRequiredService<Serializer>()));
        return silo;
    }
}
