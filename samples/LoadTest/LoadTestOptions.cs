// Command-line options of the load test.
namespace MnistBn.LoadTest;

internal sealed record LoadTestOptions(Uri? Url, int Clients, int Requests, string Payload, int Warmup)
{
    public const string Usage =
        "usage: MnistBn.LoadTest [--url http://127.0.0.1:5080] [--clients 50] [--requests 20000] [--payload png|raw] [--warmup 200]";

    public static LoadTestOptions Parse(string[] args)
    {
        var options = new LoadTestOptions(null, 50, 20_000, "png", 200);
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
            options = args[i] switch
            {
                "--url" => options with { Url = Uri.TryCreate(value, UriKind.Absolute, out var url) ? url : throw new ArgumentException($"--url: not an absolute URL: {value}") },
                "--clients" => options with { Clients = Positive(args[i], value) },
                "--requests" => options with { Requests = Positive(args[i], value) },
                "--warmup" => options with { Warmup = int.TryParse(value, out var w) && w >= 0 ? w : throw new ArgumentException($"--warmup: not a count: {value}") },
                "--payload" => options with { Payload = value is "png" or "raw" ? value : throw new ArgumentException($"--payload must be png or raw, not {value}") },
                _ => throw new ArgumentException($"unknown option {args[i]}"),
            };
            i++;
        }
        return options;
    }

    private static int Positive(string name, string value) =>
        int.TryParse(value, out var n) && n > 0 ? n : throw new ArgumentException($"{name}: not a positive count: {value}");
}
