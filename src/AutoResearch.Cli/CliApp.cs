using System.CommandLine;
using AutoResearch.Abstractions.Experiments;
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
        var root = new RootCommand("AutoResearch: overnight autonomous research campaigns in Docker sandboxes.")
        {
            data,
            RunCommand.Create(data),
            ValidateCommand.Create(data),
            StatusCommand.Create(data),
            ReportCommand.Create(data),
            ControlCommand.Create(ControlAction.Pause, data),
            ControlCommand.Create(ControlAction.Resume, data),
            ControlCommand.Create(ControlAction.Stop, data),
            ControlCommand.Create(ControlAction.SetBudget, data),
            JournalCommand.Create(data),
            NoteCommand.Create(data),
            ServeCommand.Create(data),
            TokenCommand.Create(data),
            TokenCommand.Users(data),
            QuotaCommand.Create(data),
        };
        foreach (var steer in SteerCommand.Create(data)) root.Add(steer);
        return root;
    }
}
