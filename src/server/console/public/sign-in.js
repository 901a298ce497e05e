// A one-time sign-in link carries its code after '#', which the browser never sends anywhere.
// Take it out of the address bar at once and post it, so it cannot be replayed from history.
const form = document.getElementById('sign-in');
const match = /(?:^#|&)code=([A-Za-z0-9_-]+)/.exec(location.hash);
history.replaceState(null, '', location.pathname);
if (form && match) {
  document.getElementById('code').value = match[1];
  form.submit();
}
