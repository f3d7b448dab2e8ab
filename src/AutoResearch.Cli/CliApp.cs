using System.CommandLine;
using AutoResearch.Cli.Commands;

namespace AutoResearch.Cli;

/// <summary>The <c>autoresearch</c> command tree.</summary>
public static class CliApp
{
    public static RootCommand Build()
    {
        var data = new Option<string?>("--data")
        {
            Description = "Data directory (SQLite ledger, reports, logs). Default: $AUTORESEARCH_DATA or ./.autoresearch",
            Recursive = true,
        };
        return new RootCommand("AutoResearch: overnight autonomous research campaigns in Docker sandboxes.")
        {
            data,
            RunCommand.Create(data),
            StatusCommand.Create(data),
            ReportCommand.Create(data),
        };
    }
}
