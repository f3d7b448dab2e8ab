using AutoResearch.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;

namespace AutoResearch.Host.Storage;

/// <summary>The embedded silo's durable state: grain state and reminders in one SQLite file.</summary>
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
}
