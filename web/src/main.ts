/** The web app's entry: `#/chat[/<thread id>]` and `#/inbox`, switched on the URL fragment. */
import { token } from './api.js';
import { mountChat } from './chat.js';
import { mountInbox } from './inbox.js';

let unmount: (() => void) | undefined;

function newChatId(): string {
  return `chat-${crypto.randomUUID()}`;
}

function route(): void {
  const root = document.getElementById('page')!;
  const [, page, id] = location.hash.split('/');
  if (page === 'chat' && !id) {
    // A fresh thread per new chat; its id goes in the URL so a reload resumes it.
    location.replace(`#/chat/${newChatId()}`);
    return;
  }
  unmount?.();
  if (page === 'inbox') unmount = mountInbox(root);
  else if (page === 'chat' && id) unmount = mountChat(root, decodeURIComponent(id));
  else {
    location.replace('#/chat');
    return;
  }
  for (const a of document.querySelectorAll<HTMLAnchorElement>('nav a')) a.classList.toggle('active', a.dataset.page === page);
  document.getElementById('who')!.textContent = token() ? 'signed in with a token' : '';
}

window.addEventListener('hashchange', route);
route();
