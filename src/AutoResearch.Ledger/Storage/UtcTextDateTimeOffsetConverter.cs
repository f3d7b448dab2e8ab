using System.Globalization;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace AutoResearch.Ledger.Storage;

/// <summary>
/// Stores a <see cref="DateTimeOffset"/> as fixed-width UTC ISO-8601 text with 100 ns precision
/// (<c>2026-11-23T09:07:00.1234567Z</c>): exact, readable, and ordered correctly as text on every provider.
/// Values come back with offset zero (the same instant).
/// </summary>
public sealed class UtcTextDateTimeOffsetConverter : ValueConverter<DateTimeOffset, string>
{
    public const string Format = "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffff'Z'";

    public UtcTextDateTimeOffsetConverter()
        : base(v => ToText(v), v => FromText(v))
    {
    }

    public static string ToText(DateTimeOffset value) =>
        value.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);

    public static DateTimeOffset FromText(string text) =>
        new(DateTime.SpecifyKind(DateTime.ParseExact(text, Format, CultureInfo.InvariantCulture), DateTimeKind.Utc));
}
