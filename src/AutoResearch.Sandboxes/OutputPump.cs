using System.Buffers;
using System.Net.Sockets;
using System.Threading.Channels;
using Docker.DotNet;
using Microsoft.Extensions.Logging;

namespace AutoResearch.Sandboxes;

/// <summary>
/// Moves a run's attached output into its <see cref="OutputCapture"/> off the time limit's path: a reader task copies raw chunks
/// into a bounded queue (a full queue makes the container wait on its pipe, never the runner's clock), and a parser task feeds
/// them to the capture (head/tail, lines, METRIC parsing). Stopping is prompt: the reader's stream is closed, the parser
/// finishes the chunk in hand, and queued chunks are dropped and counted.
/// </summary>
internal sealed class OutputPump
{
    private const int ChunkBytes = 64 * 1024;
    private const int QueueChunks = 32;

    private readonly MultiplexedStream _stream;
    private readonly OutputCapture _capture;
    private readonly ILogger _logger;
    private readonly string _label;
    private readonly Channel<Chunk> _queue = Channel.CreateBounded<Chunk>(new BoundedChannelOptions(QueueChunks)
    {
        SingleReader = true,
        SingleWriter = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reader;
    private readonly Task _parser;
    private long _droppedBytes;

    private OutputPump(MultiplexedStream stream, OutputCapture capture, ILogger logger, string label)
    {
        _stream = stream;
        _capture = capture;
        _logger = logger;
        _label = label;
        _reader = Task.Run(ReadAsync);
        _parser = Task.Run(ParseAsync);
    }

    /// <summary>Bytes read from the container but not parsed because the pump was stopped before it got to them.</summary>
    public long DroppedBytes => Interlocked.Read(ref _droppedBytes);

    /// <summary>Starts reading <paramref name="stream"/> into <paramref name="capture"/>.</summary>
    public static OutputPump Start(MultiplexedStream stream, OutputCapture capture, ILogger logger, string label) =>
        new(stream, capture, logger, label);

    /// <summary>Waits up to <paramref name="budget"/> for the output to end and be parsed; then stops. True when it all was read.</summary>
    public async Task<bool> DrainAsync(TimeSpan budget)
    {
        var all = Task.WhenAll(_reader, _parser);
        if (await Task.WhenAny(all, Task.Delay(budget)) == all)
        {
            return true;
        }

        await StopAsync();
        return false;
    }

    /// <summary>Stops reading and parsing now; returns once neither touches the capture any more (the chunk in hand is finished).</summary>
    public async Task StopAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
        }

        _stream.Dispose();
        await Task.WhenAll(_reader, _parser);
    }

    private async Task ReadAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
                MultiplexedStream.ReadResult read;
                try
                {
                    read = await _stream.ReadOutputAsync(buffer, 0, ChunkBytes, _stop.Token);
                }
                catch
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    throw;
                }

                if (read.EOF)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    break;
                }

                var chunk = new Chunk(buffer, read.Count, read.Target == MultiplexedStream.TargetStream.StandardError);
                try
                {
                    await _queue.Writer.WriteAsync(chunk, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    Drop(chunk);
                    throw;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException or SocketException or HttpRequestException)
        {
            _logger.LogDebug("Output stream of {Run} ended: {Reason}", _label, ex.Message);
        }
        finally
        {
            _queue.Writer.TryComplete();
        }
    }

    private async Task ParseAsync()
    {
        try
        {
            while (await _queue.Reader.WaitToReadAsync(_stop.Token))
            {
                while (_queue.Reader.TryRead(out var chunk))
                {
                    if (_stop.IsCancellationRequested)
                    {
                        Drop(chunk);
                        continue;
                    }

                    try
                    {
                        _capture.Append(chunk.Buffer.AsSpan(0, chunk.Count), chunk.IsStderr);
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(chunk.Buffer);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            while (_queue.Reader.TryRead(out var chunk))
            {
                Drop(chunk);
            }
        }
        finally
        {
            _capture.Complete();
        }
    }

    private void Drop(Chunk chunk)
    {
        Interlocked.Add(ref _droppedBytes, chunk.Count);
        ArrayPool<byte>.Shared.Return(chunk.Buffer);
    }

    private readonly record struct Chunk(byte[] Buffer, int Count, bool IsStderr);
}
