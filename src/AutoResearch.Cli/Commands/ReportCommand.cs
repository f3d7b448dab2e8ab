using System.CommandLine;
using AutoResearch.Host.Operations;
using Microsoft.Extensions.DependencyInjection;

namespace AutoResearch.Cli.Commands;

/// <summary><c>autoresearch report &lt;campaign&gt;</c>: (re)writes a campaign's report from the ledger.</summary>
public static class ReportCommand
{
    public static Command Create(Option<string?> data)
    {
        var id = new Argument<string>("campaign") { Description = "Campaign id (see 'autoresearch status')." };
        var format = new Option<string>("--format") { Description = "md or html.", DefaultValueFactory = _ => "md" };
        format.AcceptOnlyFromAmong("md", "html");
        var output = new Option<FileInfo?>("--out") { Description = "Copy the report to this file (images are copied next to it)." };
        var command = new Command("report", "Write a campaign's report (Markdown and self-contained HTML) and print its path.") { id, format, output };
        command.SetAction((parse, cancellationToken) =>
            ExecuteAsync(parse.GetRequiredValue(id), parse.GetValue(format)!, parse.GetValue(output), parse.GetValue(data), cancellationToken));
        return command;
    }

    public static async Task<int> ExecuteAsync(string id, string format, FileInfo? output, string? dataDirectory, CancellationToken cancellationToken)
    {
        using var session = await LedgerSession.OpenAsync(dataDirectory, cancellationToken);
        var written = await ActivatorUtilities.CreateInstance<CampaignLaunch>(session.Services).ReportAsync(id, cancellationToken);
        if (written.Failure == OperationFailure.NotFound)
            return await LedgerSession.FailAsync(LedgerSession.NoSuchCampaign(id));
        var files = written.Value!;
        var chosen = format == "html" ? files.Html : files.Markdown;
        if (output is not null)
        {
            var folder = output.Directory?.FullName ?? Environment.CurrentDirectory;
            Directory.CreateDirectory(folder);
            File.Copy(chosen, output.FullName, overwrite: true);
            if (format == "md")
            {
                foreach (var image in Directory.EnumerateFiles(Path.GetDirectoryName(chosen)!, "*.png"))
                    File.Copy(image, Path.Combine(folder, Path.GetFileName(image)), overwrite: true);
            }
            chosen = output.FullName;
        }
        await Console.Out.WriteLineAsync(chosen);
        return 0;
    }
}
