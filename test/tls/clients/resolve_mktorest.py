"""Test harness: run a Python client script unchanged, with every *.mktorest.com name resolving to
127.0.0.1, as a hosts-file line would make it. TLS still checks the certificate against the name
the client asked for.

Usage: python3 resolve_mktorest.py CLIENT_SCRIPT [ARGS...]
"""
import runpy
import socket
import sys

_getaddrinfo = socket.getaddrinfo


def _resolve(host, *args, **kwargs):
    name = host.decode() if isinstance(host, bytes) else host
    if isinstance(name, str) and name.lower().rstrip('.').endswith('.mktorest.com'):
        host = '127.0.0.1'
    return _getaddrinfo(host, *args, **kwargs)


socket.getaddrinfo = _resolve
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name='__main__')
