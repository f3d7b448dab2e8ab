namespace AutoResearch.Harness;
