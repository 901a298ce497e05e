"""A whole Marketo bulk activity export with Python's requests, written as a client of Marketo
itself: only the base URL (https://<munchkin-id>.mktorest.com) says where it goes. requests trusts
the CA bundle that REQUESTS_CA_BUNDLE names.

Usage: python3 requests_export.py BASE CLIENT_ID CLIENT_SECRET START_AT END_AT
Prints one JSON summary; on a TLS failure prints `TLS error: ...` on stderr and exits 2.
"""
import hashlib
import json
import sys
import time

import requests


def export(base, client_id, client_secret, start_at, end_at):
    session = requests.Session()
    token = session.get(f'{base}/identity/oauth/token', params={
        'grant_type': 'client_credentials', 'client_id': client_id, 'client_secret': client_secret,
    }).json()
    session.headers['Authorization'] = f"Bearer {token['access_token']}"
    exports = f'{base}/bulk/v1/activities/export'

    def call(method, path, **kwargs):
        body = session.request(method, f'{exports}{path}', **kwargs).json()
        if not body['success']:
            raise RuntimeError(f"{path}: {body['errors']}")
        return body['result'][0]

    created = call('POST', '/create.json', json={'format': 'CSV', 'filter': {'createdAt': {'startAt': start_at, 'endAt': end_at}}})
    export_id = created['exportId']
    queued = call('POST', f'/{export_id}/enqueue.json')
    job = queued
    for _ in range(600):
        if job['status'] == 'Completed':
            break
        if job['status'] in ('Failed', 'Cancelled'):
            raise RuntimeError(f"job {export_id} ended {job['status']}")
        time.sleep(0.1)
        job = call('GET', f'/{export_id}/status.json')
    half = job['fileSize'] // 2
    parts = [session.get(f'{exports}/{export_id}/file.json', headers={'Range': r}) for r in (f'bytes=0-{half - 1}', f'bytes={half}-')]
    data = b''.join(p.content for p in parts)
    return {
        'tokenType': token['token_type'], 'exportId': export_id, 'statuses': [created['status'], queued['status'], job['status']],
        'numberOfRecords': job['numberOfRecords'], 'fileSize': job['fileSize'], 'fileChecksum': job['fileChecksum'],
        'ranges': [{'status': p.status_code, 'contentRange': p.headers.get('Content-Range'), 'length': len(p.content)} for p in parts],
        'sha256': 'sha256:' + hashlib.sha256(data).hexdigest(), 'lines': data.count(b'\n'),
    }


if __name__ == '__main__':
    try:
        print(json.dumps(export(*sys.argv[1:6])))
    except requests.exceptions.SSLError as err:
        print(f'TLS error: {err}', file=sys.stderr)
        sys.exit(2)
