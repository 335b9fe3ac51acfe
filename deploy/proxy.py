"""A tiny TCP load balancer for the one-machine cluster: each connection goes to the next app server in turn.

It passes bytes through without reading them, so it adds no X-Forwarded-For: on one machine every client is
127.0.0.1 anyway. In production put nginx, HAProxy or a cloud load balancer there instead, which add the header,
and set AIDTRACK_TRUSTED_PROXIES=1 (README, "Serving many people").

    python deploy/proxy.py --listen 127.0.0.1:8120 127.0.0.1:8121 127.0.0.1:8122
"""

import argparse
import asyncio
import contextlib
import itertools


async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


def serve(listen: tuple[str, int], backends: list[tuple[str, int]]):
    turns = itertools.cycle(backends)

    async def handle(client_reader, client_writer):
        # The next backend that answers: a stopped app server is skipped, as a load balancer's health check would.
        for _ in range(len(backends)):
            host, port = next(turns)
            try:
                server_reader, server_writer = await asyncio.open_connection(host, port)
                break
            except OSError:
                continue
        else:
            client_writer.close()
            return
        await asyncio.gather(pipe(client_reader, server_writer), pipe(server_reader, client_writer))

    async def main():
        server = await asyncio.start_server(handle, *listen, backlog=1024)
        async with server:
            await server.serve_forever()

    asyncio.run(main())


def address(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    return host or "127.0.0.1", int(port)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", type=address, required=True)
    parser.add_argument("backends", type=address, nargs="+")
    arguments = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        serve(arguments.listen, arguments.backends)
