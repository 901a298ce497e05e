// A one-time sign-in link carries its code after '#', which the browser never sends anywhere.
// Take it out of the address bar at once and post it, so it cannot be replayed from history.
// Pasting the link into a sign-in page that is already open only changes the fragment, so the
// fragment is watched too.
const form = document.getElementById('sign-in');

function signInFromFragment() {
  const match = /(?:^#|&)code=([A-Za-z0-9_-]+)/.exec(location.hash);
  if (!match || !form) return;
  history.replaceState(null, '', location.pathname);
  document.getElementById('code').value = match[1];
  form.submit();
}

addEventListener('hashchange', signInFromFragment);
signInFromFragment();
