// `mnistbn fetch`: makes the four MNIST IDX files available in data.directory, each verified by SHA-256.
using System.CommandLine;
using MnistBn.Shared.Data;

namespace MnistBn.Training.Cli;

internal static class FetchCommand
{
    public static Command Create()
    {
        var command = new Command("fetch", "Make the four MNIST IDX files available in data.directory, verified by SHA-256; downloads only what is missing or corrupt.")
            .WithCommonOptions();
        command.SetAction((parse, cancellationToken) => CliErrors.GuardAsync(async () =>
        {
            var (config, root) = CommonOptions.Load(parse);
            var fetcher = new MnistFetcher(config.Data, root, Console.WriteLine);
            var directory = await fetcher.EnsureAsync(cancellationToken);
            // Reading the files back proves they parse, not only that their bytes hash right.
            var data = MnistDataset.Load(directory, config.Data.Files);
            Console.WriteLine(
                $"MNIST ready in {directory}: {data.Train.Count} training and {data.Test.Count} test images of {data.Test.Rows}×{data.Test.Columns} pixels");
            return 0;
        }, cancellationToken));
        return command;
    }
}
