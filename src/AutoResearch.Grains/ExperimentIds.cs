using System.Globalization;

namespace AutoResearch.Grains;

/// <summary>Experiment ids: <c>{campaignId}/{sequence:D4}</c>.</summary>
public static class ExperimentIds
{
    public static string For(string campaignId, int sequence) =>
        $"{campaignId}/{sequence.ToString("D4", CultureInfo.InvariantCulture)}";
}
