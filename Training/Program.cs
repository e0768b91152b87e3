// Entry point of the `mnistbn` command-line tool: one sub-command per stage of the study.
using MnistBn.Training.Cli;

return await CommandLineRunner.RunAsync(args);
