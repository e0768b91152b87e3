// A data source that downloads `base + name` (+ ".gz", decompressed on the fly) over HTTP(S).
using System.IO.Compression;
using MnistBn.Shared.IO;

namespace MnistBn.Shared.Data;

internal sealed class UrlFileSource(string baseUrl, bool gzip, Lazy<HttpClient> http) : IFileSource
{
    private readonly string _base = baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/";

    // A host that cannot be reached for one file will not be reached for the next three: remember it,
    // so an offline machine does not wait out the connect timeout four times per mirror.
    private string? _unreachable;

    public string Description => $"url {_base}";

    public async Task DownloadAsync(string fileName, string destination, CancellationToken cancellationToken)
    {
        var url = _base + fileName + (gzip ? ".gz" : "");
        if (_unreachable is not null)
            throw new HttpRequestException($"skipped, unreachable earlier: {_unreachable}");
        HttpResponseMessage response;
        try
        {
            response = await http.Value.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException error) when (error.StatusCode is null)
        {
            _unreachable = error.Message;
            throw;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            _unreachable = $"{url}: no response within the connect/response timeout";
            throw new HttpRequestException(_unreachable);
        }
        using var _ = response;
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"{url}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        await using var raw = gzip ? new GZipStream(body, CompressionMode.Decompress) : body;
        await using var output = File.Create(destination);
        // Bounded: a server (or a gzip body) that never ends fills neither memory nor the disk.
        await BoundedFile.CopyAsync(raw, output, ReadLimits.IdxBytes, url, "an IDX file", cancellationToken);
    }

    /// <summary>
    /// One client per fetch. The connect timeout is short so that unreachable mirrors (common behind
    /// firewalls and in CI) fail within seconds and the next source is tried.
    /// </summary>
    public static HttpClient CreateClient() =>
        new(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(10) })
        {
            // With ResponseHeadersRead this bounds only the wait for the headers; the body streams on.
            Timeout = TimeSpan.FromSeconds(60),
        };

    public void Dispose()
    {
    }
}
