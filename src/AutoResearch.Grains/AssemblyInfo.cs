namespace AutoResearch.Grains;
