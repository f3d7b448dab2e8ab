using AutoResearch.Host.Operations;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using AutoResearch.Abstractions.Journal;
using AutoResearch.Cli.Commands;
using Spectre.Console;

namespace AutoResearch.Cli.Display;

/// <summary>Journal entries as text (a header line, the text wrapped and indented below it) or as JSON Lines.</summary>
public static class JournalView
{
    private const int Indent = 4;

    /// <summary>Width of redirected output, where no terminal says how wide it is.</summary>
    private const int RedirectedWidth = 100;

    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// A console on stdout: colours on a terminal; plain text without escape sequences and wrapped at
    /// <see cref="RedirectedWidth"/> columns when stdout is redirected to a file or pipe.
    /// </summary>
    public static IAnsiConsole CreateConsole()
    {
        var redirected = Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Console.Out),
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = redirected ? InteractionSupport.No : InteractionSupport.Detect,
        });
        if (redirected) console.Profile.Width = RedirectedWidth;
        return console;
    }

    /// <summary>Writes one entry; <paramref name="experiment"/> is how to name its experiment (e.g. <c>#12</c>), if it has one.</summary>
    public static void Write(IAnsiConsole console, JournalEntry entry, string? experiment)
    {
        var header = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"[grey]#{entry.Id}[/]  ")
            .Append(CultureInfo.InvariantCulture, $"[grey]{entry.At.ToLocalTime():yyyy-MM-dd HH:mm:ss}[/]  ")
            .Append(CultureInfo.InvariantCulture, $"[bold]{Markup.Escape(TextWrap.Printable(entry.Author))}[/]  ")
            .Append(CultureInfo.InvariantCulture, $"[{Colour(entry.Kind)}]{JournalKinds.Name(entry.Kind)}[/]");
        if (experiment is not null)
            header.Append(CultureInfo.InvariantCulture, $"  [grey]experiment {Markup.Escape(TextWrap.Printable(experiment))}[/]");
        console.MarkupLine(header.ToString());

        // The body is plain text: written as is, so that a word wider than the console (a URL) stays whole for copying.
        var pad = new string(' ', Indent);
        var writer = console.Profile.Out.Writer;
        foreach (var line in TextWrap.Wrap(entry.Text, console.Profile.Width - Indent - 1))
            writer.WriteLine(line.Length == 0 ? "" : pad + line);
        writer.Flush();
    }

    /// <summary>One JSON object on one line: id, campaign, at (ISO 8601), author, kind (snake case), experiment (id or null), text.</summary>
    public static string JsonLine(JournalEntry entry)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, JsonOptions))
        {
            json.WriteStartObject();
            json.WriteNumber("id", entry.Id);
            json.WriteString("campaign", entry.CampaignId);
            json.WriteString("at", entry.At.ToString("O", CultureInfo.InvariantCulture));
            json.WriteString("author", entry.Author);
            json.WriteString("kind", JournalKinds.Name(entry.Kind));
            if (entry.ExperimentId is null) json.WriteNull("experiment");
            else json.WriteString("experiment", entry.ExperimentId);
            json.WriteString("text", entry.Text);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Colour(JournalEntryKind kind) => kind switch
    {
        JournalEntryKind.Hypothesis => "blue",
        JournalEntryKind.Result => "green",
        JournalEntryKind.Reflection => "cyan",
        JournalEntryKind.Insight => "yellow",
        JournalEntryKind.DeadEnd => "red",
        JournalEntryKind.Note => "magenta",
        _ => "grey",
    };
}
