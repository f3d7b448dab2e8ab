using System.Text;
using AutoResearch.Ledger.Storage;
using Microsoft.EntityFrameworkCore;

namespace AutoResearch.Ledger;

/// <summary>
/// The ledger's tables. Short-lived: create one per operation from <see cref="IDbContextFactory{TContext}"/>.
/// All names are lower snake_case so raw SQL reads the same on SQLite and PostgreSQL.
/// The instances are always of a provider's subclass (<see cref="SqliteLedgerDbContext"/>, <see cref="PostgresLedgerDbContext"/>):
/// each has its own EF Core migrations (Migrations/Sqlite, Migrations/Postgres), as EF Core's docs do for several providers.
/// </summary>
public abstract class LedgerDbContext(DbContextOptions<LedgerDbContext> options) : DbContext(options)
{
    public const string CampaignsTable = "ledger_campaigns";
    public const string ExperimentsTable = "ledger_experiments";

    /// <summary>The experiments' covering index for aggregates and paged queries.</summary>
    public const string ExperimentsCoveringIndex = "ix_ledger_experiments_covering";
    public const string JournalTable = "ledger_journal";
    public const string SequencesTable = "ledger_sequences";

    /// <summary>The schema versions of the ledgers made before migrations (kept, no longer written; see <see cref="LegacyLedgerSchema"/>).</summary>
    public const string SchemaVersionTable = "ledger_schema_version";
    public const string LeaderboardTable = "ledger_leaderboard";
    public const string ModelCallsTable = "ledger_model_calls";
    public const string ControlsTable = "ledger_controls";
    public const string LabQuotasTable = "ledger_lab_quotas";

    public DbSet<CampaignRow> Campaigns => Set<CampaignRow>();
    public DbSet<ExperimentRow> Experiments => Set<ExperimentRow>();
    public DbSet<JournalRow> Journal => Set<JournalRow>();
    public DbSet<SequenceRow> Sequences => Set<SequenceRow>();
    public DbSet<SchemaVersionRow> SchemaVersions => Set<SchemaVersionRow>();
    public DbSet<LeaderboardRow> Leaderboard => Set<LeaderboardRow>();
    public DbSet<ModelCallRow> ModelCalls => Set<ModelCallRow>();
    public DbSet<ControlRow> Controls => Set<ControlRow>();
    public DbSet<LabQuotaRow> LabQuotas => Set<LabQuotaRow>();

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        GuardJournal();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        GuardJournal();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTextDateTimeOffsetConverter>().HaveMaxLength(28);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<CampaignRow>(e =>
        {
            e.ToTable(CampaignsTable);
            e.HasKey(c => c.Id);
            e.HasIndex(c => c.CreatedAt);
        });

        modelBuilder.Entity<ExperimentRow>(e =>
        {
            e.ToTable(ExperimentsTable);
            e.HasKey(x => x.Id);
            e.HasIndex(x => new { x.CampaignId, x.Sequence });
            e.HasIndex(x => new { x.CampaignId, x.Status });
            // Covers the list's aggregates and the experiments table's filters and sorts, so neither reads the wide rows.
            e.HasIndex(x => new { x.CampaignId, x.Status, x.Kind, x.Objective, x.Sequence, x.AgentId, x.Verdict, x.Failure, x.Attempt, x.IsBaseline, x.RepeatOf, x.Id },
                ExperimentsCoveringIndex);
        });

        modelBuilder.Entity<JournalRow>(e =>
        {
            e.ToTable(JournalTable);
            e.HasKey(j => j.Id);
            e.Property(j => j.Id).ValueGeneratedOnAdd();
            e.HasIndex(j => new { j.CampaignId, j.Id });
        });

        modelBuilder.Entity<SequenceRow>(e =>
        {
            e.ToTable(SequencesTable);
            e.HasKey(s => s.CampaignId);
        });

        modelBuilder.Entity<LeaderboardRow>(e =>
        {
            e.ToTable(LeaderboardTable);
            e.HasKey(x => x.Id);
            e.HasIndex(x => new { x.CampaignId, x.Idx }).IsUnique();
        });

        modelBuilder.Entity<ModelCallRow>(e =>
        {
            e.ToTable(ModelCallsTable);
            e.HasKey(x => x.Id);
            e.HasIndex(x => new { x.CampaignId, x.At });
        });

        modelBuilder.Entity<ControlRow>(e =>
        {
            e.ToTable(ControlsTable);
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).ValueGeneratedOnAdd();
            e.HasIndex(x => new { x.CampaignId, x.AppliedAt });
        });

        modelBuilder.Entity<LabQuotaRow>(e =>
        {
            e.ToTable(LabQuotasTable);
            e.HasKey(x => x.Lab);
        });

        modelBuilder.Entity<SchemaVersionRow>(e =>
        {
            e.ToTable(SchemaVersionTable);
            e.HasKey(s => s.Version);
            e.Property(s => s.Version).ValueGeneratedNever();
        });

        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties())
            {
                property.SetColumnName(ToSnakeCase(property.Name));
            }

            foreach (var index in entity.GetIndexes())
            {
                if (index.Name is not null) continue; // named on purpose (a short name PostgreSQL keeps whole)
                index.SetDatabaseName($"ix_{entity.GetTableName()}_{string.Join("_", index.Properties.Select(p => ToSnakeCase(p.Name)))}");
            }

            entity.FindPrimaryKey()?.SetName($"pk_{entity.GetTableName()}");
        }
    }

    /// <summary>Journal entries are never changed or removed, whoever holds a context.</summary>
    private void GuardJournal()
    {
        foreach (var entry in ChangeTracker.Entries<JournalRow>())
        {
            if (entry.State is EntityState.Modified or EntityState.Deleted)
            {
                throw new InvalidOperationException($"The journal is append-only: entry {entry.Entity.Id} cannot be changed or deleted.");
            }
        }
    }

    internal static string ToSnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0)
                {
                    builder.Append('_');
                }

                builder.Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
