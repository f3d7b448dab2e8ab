namespace AutoResearch.Reports;
