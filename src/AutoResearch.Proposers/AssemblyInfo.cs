using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("AutoResearch.Proposers.Tests")]
[assembly: InternalsVisibleTo("AutoResearch.Bench.Proposers")]
