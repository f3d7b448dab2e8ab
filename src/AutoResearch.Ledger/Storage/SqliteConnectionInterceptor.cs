using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace AutoResearch.Ledger.Storage;

/// <summary>Sets <c>busy_timeout</c> on every SQLite connection EF opens, so concurrent writers wait instead of failing with "database is locked".</summary>
public sealed class SqliteConnectionInterceptor(int busyTimeoutMs) : DbConnectionInterceptor
{
    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = CreatePragma(connection);
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = CreatePragma(connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private DbCommand CreatePragma(DbConnection connection)
    {
        var command = connection.CreateCommand();
        command.CommandText = "PRAGMA busy_timeout = " + busyTimeoutMs.ToString(CultureInfo.InvariantCulture) + ";";
        return command;
    }
}
