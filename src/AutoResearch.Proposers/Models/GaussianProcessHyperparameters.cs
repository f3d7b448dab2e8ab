namespace AutoResearch.Proposers.Models;

/// <summary>Kernel hyperparameters, all on a log scale.</summary>
internal sealed record GaussianProcessHyperparameters(double[] LogLengthScales, double LogSignalVariance, double LogNoiseVariance)
{
    public double[] ToVector() => [.. LogLengthScales, LogSignalVariance, LogNoiseVariance];

    public static GaussianProcessHyperparameters FromVector(double[] theta, int dimensions) =>
        new(theta[..dimensions], theta[dimensions], theta[dimensions + 1]);
}
