using System.Text.RegularExpressions;
using AutoResearch.Abstractions;
using Microsoft.Extensions.Options;

namespace AutoResearch.Sandboxes;

/// <summary>Validates <see cref="SandboxOptions"/> when the host starts (and when the runner is built).</summary>
public sealed partial class SandboxOptionsValidator : IValidateOptions<SandboxOptions>
{
    private readonly Func<string, string?> _environment;

    /// <summary>A validator reading Docker's environment variables (<c>DOCKER_HOST</c>, ...) from this process.</summary>
    public SandboxOptionsValidator()
        : this(System.Environment.GetEnvironmentVariable)
    {
    }

    /// <summary>A validator with <paramref name="environment"/> standing for the process environment.</summary>
    public SandboxOptionsValidator(Func<string, string?> environment) => _environment = environment ?? throw new ArgumentNullException(nameof(environment));

    public ValidateOptionsResult Validate(string? name, SandboxOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();

        // The endpoint and its TLS files (or Docker's DOCKER_* conventions); plain tcp is refused unless explicitly allowed.
        DockerConnection.TryResolve(options, _environment, out var connectionProblems);
        errors.AddRange(connectionProblems);

        if (string.IsNullOrWhiteSpace(options.Owner))
        {
            errors.Add("Owner is required: a stable id of this installation, used to label and reap its containers.");
        }
        else if (options.Owner.Length > 200 || !LabelValue().IsMatch(options.Owner))
        {
            errors.Add($"Owner '{options.Owner}' may only hold letters, digits and . _ - : / @ (at most 200 characters).");
        }

        if (options.Silo is { } silo && (silo.Length is 0 or > 200 || !LabelValue().IsMatch(silo)))
        {
            errors.Add($"Silo '{silo}' may only hold letters, digits and . _ - : / @ (at most 200 characters).");
        }

        if (options.OutputCapBytes is < 1024 or > 64 * 1024 * 1024)
        {
            errors.Add($"OutputCapBytes {options.OutputCapBytes} must be between 1 KiB and 64 MiB.");
        }

        if (!NumericUser().IsMatch(options.User ?? ""))
        {
            errors.Add($"User '{options.User}' must be a numeric uid[:gid] such as 1000:1000.");
        }

        if (string.IsNullOrEmpty(options.WorkDir) || !options.WorkDir.StartsWith('/') || options.WorkDir == "/"
            || options.WorkDir.Split('/').Any(s => s is "." or "..") || options.WorkDir.Contains(':') || options.WorkDir.Contains('\\'))
        {
            errors.Add($"WorkDir '{options.WorkDir}' must be an absolute container path other than '/'.");
        }

        foreach (var key in options.Labels.Keys)
        {
            if (string.IsNullOrWhiteSpace(key) || key.Contains('='))
            {
                errors.Add($"Label name '{key}' is invalid.");
            }
            else if (key is Names.CampaignLabel or Names.ExperimentLabel or Names.OwnerLabel or Names.SiloLabel)
            {
                errors.Add($"Label '{key}' is set by the runner and cannot be overridden.");
            }
        }

        foreach (var key in options.Environment.Keys)
        {
            if (!EnvName().IsMatch(key))
            {
                errors.Add($"Environment variable name '{key}' is invalid.");
            }
            else if (key.StartsWith("AR_", StringComparison.Ordinal))
            {
                errors.Add($"Environment variable '{key}' is reserved (AR_* is set by the runner).");
            }
            else if (EnvironmentRefusal(key) is { } why)
            {
                errors.Add($"Environment variable '{key}' is refused: {why}. Every Sandboxes:Environment entry (also a host variable "
                    + $"named Sandboxes__Environment__{key}) reaches every sandbox, where the experiment's code can read it.");
            }
        }

        if (options.MaxArtifactBytes < 0)
        {
            errors.Add("MaxArtifactBytes cannot be negative.");
        }

        if (options.MaxArtifactFiles < 0 || options.MaxCampaignArtifactBytes < 0 || options.MaxCampaignArtifactFiles < 0)
        {
            errors.Add("MaxArtifactFiles, MaxCampaignArtifactBytes and MaxCampaignArtifactFiles cannot be negative.");
        }

        if (options.LimitGrace <= TimeSpan.Zero || options.LimitGrace > TimeSpan.FromMinutes(10))
        {
            errors.Add($"LimitGrace {options.LimitGrace} must be positive and at most 10 minutes.");
        }

        if (options.DiskKeeperArgv().Count == 0)
        {
            errors.Add("DiskKeeperCommand is required (e.g. 'sleep infinity'): it holds each run's size-capped work volume mounted.");
        }

        if (options.CleanupTimeout <= TimeSpan.Zero || options.OutputDrainTimeout <= TimeSpan.Zero)
        {
            errors.Add("CleanupTimeout and OutputDrainTimeout must be positive.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>
    /// Why a name may not go into every sandbox, or null: names that look like secrets (the experiment's code reads its
    /// environment), and hooks that change how the trusted scoring code in the image starts (loader, interpreters, shells).
    /// </summary>
    public static string? EnvironmentRefusal(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var upper = name.ToUpperInvariant();
        if (upper.Split('_', StringSplitOptions.RemoveEmptyEntries).Any(SecretWords.Contains)
            || SecretFragments.Any(f => upper.Contains(f, StringComparison.Ordinal)))
        {
            return "it looks like a secret (key, token, password, credential, connection string)";
        }

        if (upper.StartsWith("LD_", StringComparison.Ordinal) || StartupHooks.Contains(upper)
            || upper.StartsWith("PYTHON", StringComparison.Ordinal) && upper != "PYTHONUNBUFFERED" && upper != "PYTHONDONTWRITEBYTECODE"
            || upper.StartsWith("MALLOC_", StringComparison.Ordinal))
        {
            return "it changes how programs in the image start (loader, interpreter or shell hooks), including the trusted scorer";
        }

        return null;
    }

    private static readonly HashSet<string> SecretWords = new(StringComparer.Ordinal)
    {
        "KEY", "KEYS", "APIKEY", "TOKEN", "TOKENS", "SECRET", "SECRETS", "PASSWORD", "PASSWD", "PASSPHRASE", "CREDENTIAL",
        "CREDENTIALS", "AUTH", "AUTHORIZATION", "COOKIE", "PAT", "SAS",
    };

    private static readonly string[] SecretFragments = ["APIKEY", "ACCESSKEY", "SECRET", "PASSWORD", "PASSWD", "CONNECTIONSTRING", "CONNECTION_STRING"];

    private static readonly HashSet<string> StartupHooks = new(StringComparer.Ordinal)
    {
        "GCONV_PATH", "GLIBC_TUNABLES", "LOCPATH", "NLSPATH", "HOSTALIASES", "RESOLV_HOST_CONF", "BASH_ENV", "ENV", "SHELLOPTS",
        "BASHOPTS", "PS4", "PERL5LIB", "PERL5OPT", "PERLLIB", "NODE_OPTIONS", "RUBYOPT", "RUBYLIB", "PATH", "HOME",
        "GCC_EXEC_PREFIX", "COMPILER_PATH", "LIBRARY_PATH", "CPATH", "C_INCLUDE_PATH", "GCC_COMPARE_DEBUG",
    };

    [GeneratedRegex(@"^[A-Za-z0-9._\-:/@]+$")]
    private static partial Regex LabelValue();

    [GeneratedRegex(@"^[0-9]{1,10}(:[0-9]{1,10})?$")]
    private static partial Regex NumericUser();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvName();
}
