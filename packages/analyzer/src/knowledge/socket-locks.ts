// Socket locks (net/core/sock.c, include/net/sock.h). A socket's lock is "owned" by one
// process context at a time: lock_sock(sk) is lock_sock_nested(sk, 0), which takes the
// socket's spinlock and, when sk_lock.owned is set, sleeps in __lock_sock until the owner's
// release_sock(); lock_sock_fast() sleeps the same way when the socket is owned.
// lockdep names the lock by the socket's family (sock_lock_init(): af_family_key_strings,
// "sk_lock-AF_INET"; af_family_kern_key_strings, "k-sk_lock-AF_INET" for kernel sockets
// since 4.15), with `/1` for lock_sock_nested(sk, SINGLE_DEPTH_NESTING).
//
// Until 5.15 lock_sock_nested() called mutex_acquire() only after the wait (net/core/
// sock.c, "The sk_lock has mutex_lock() semantics here", after `sk->sk_lock.owned = 1`),
// so a task asleep in __lock_sock is not listed by lockdep as holding the socket it waits
// for; later kernels annotate first and list it, at the caller's site, like a mutex.
// Either way only a context that went through lock_sock_nested / lock_sock_fast owns a
// socket, and lockdep lists each such owner.

/** The frames of a task asleep waiting for a socket another context owns. */
export const SOCKET_LOCK_WAIT_FRAMES = /^(?:__lock_sock|lock_sock_nested|__lock_sock_fast|lock_sock_fast)$/;

/** lockdep's class names of socket locks (not the `slock-AF_*` spinlock inside them). */
export const SOCKET_LOCK_CLASS = /^(?:k-)?sk_lock-AF_[A-Z0-9_]{1,24}(?:\/\d)?$/;
