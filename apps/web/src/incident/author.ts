// The name people sign notes with, remembered in this browser only.
const AUTHOR_KEY = 'hangscope.author';

export function loadAuthor(): string {
  try {
    return localStorage.getItem(AUTHOR_KEY) ?? '';
  } catch {
    return ''; // storage disabled: just ask each time
  }
}

export function saveAuthor(name: string): void {
  try {
    localStorage.setItem(AUTHOR_KEY, name);
  } catch {
    // not worth failing a save over
  }
}
