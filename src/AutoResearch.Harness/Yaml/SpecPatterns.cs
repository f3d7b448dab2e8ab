using System.Text.RegularExpressions;

namespace AutoResearch.Harness.Yaml;

/// <summary>The name patterns spec files use, with the hint shown when a name does not match.</summary>
internal static partial class SpecPatterns
{
    public const string SlugHint = "use lowercase letters, digits and '-', starting with a letter or digit (e.g. digits-mlp)";
    public const string MetricHint = "use letters, digits, '_' and '.', starting with a letter or '_' (e.g. val_error)";
    public const string IdentifierHint = "use letters, digits and '_', starting with a letter or '_' (e.g. learning_rate)";
    public const string ImageHint = "expected a Docker image reference such as autoresearch/sklearn:latest";

    /// <summary><c>^[a-z0-9][a-z0-9-]*$</c>: benchmark, campaign, role and agent names.</summary>
    [GeneratedRegex("^[a-z0-9][a-z0-9-]*$")]
    public static partial Regex Slug();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_.]*$")]
    public static partial Regex Metric();

    public const string EndpointNameHint = "a configured endpoint name: letters, digits, '-', '_' and '.', starting with a letter or digit (e.g. local-qwen)";

    /// <summary>A model endpoint name as configured under <c>AutoResearch:Models:Endpoints</c> (never a URL or a key).</summary>
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    public static partial Regex EndpointName();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    public static partial Regex Identifier();

    /// <summary>[registry[:port]/]repository[:tag][@sha256:digest], repository lowercase.</summary>
    [GeneratedRegex("^[a-z0-9]+(?:[._-]+[a-z0-9]+)*(?::[0-9]+)?(?:/[a-z0-9]+(?:[._-]+[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$")]
    public static partial Regex Image();
}
