using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("AutoResearch.Reports.Tests")]
