using System.Text.Encodings.Web;
using System.Text.Json;

namespace AutoResearch.Reports;

/// <summary>JSON settings used by reports and summaries.</summary>
internal static class ReportJson
{
    public static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static readonly JsonSerializerOptions Compact = new()
    {
        WriteIndented = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
