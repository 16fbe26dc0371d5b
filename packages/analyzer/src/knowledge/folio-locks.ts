// Page (folio) locks: a task blocked on one waits for whoever holds that folio locked.
// The lock is one bit per folio (PG_locked) with no owner recorded, so the dump never
// names the holder; a kernel engineer reads it off a stack that locked a folio and then
// sleeps with it still locked — typically waiting for the folio's writeback.

/**
 * The wait is for a folio lock: the wait's own frames (`__folio_lock`, `__lock_page`, …)
 * or the page-cache lookup that locks what it finds (`__filemap_get_folio(…, FGP_LOCK)`
 * inlines folio_lock and shows as the caller of folio_wait_bit_common).
 * Sources: mm/filemap.c __folio_lock, __folio_lock_killable, __folio_lock_or_retry,
 * __filemap_get_folio, find_lock_entries; __lock_page, pagecache_get_page,
 * find_lock_entry, grab_cache_page_write_begin before the folio conversion (5.16).
 */
export const FOLIO_LOCK_WAIT_FRAMES =
  /^(?:__folio_lock(?:_killable|_or_retry|_async)?|folio_lock(?:_killable)?|__lock_page(?:_killable|_or_retry|_async)?|lock_page(?:_killable)?|folio_wait_locked|wait_on_page_locked)$/;
export const FOLIO_LOCK_WAIT_CALLERS =
  /^(?:__filemap_get_folio|pagecache_get_page|find_lock_entry|find_lock_page|grab_cache_page(?:_write_begin)?|lock_folio_maybe_drop_mmap|__lock_page_or_retry)$/;

/**
 * Functions that lock a folio and, with it still locked, wait for its writeback to end
 * (folio_wait_writeback / wait_on_page_writeback): a task blocked in that writeback wait
 * under one of them holds a folio lock.
 * Sources: mm/truncate.c truncate_inode_pages_range, truncate_inode_partial_folio,
 * invalidate_inode_pages2_range (folio_lock, then folio_wait_writeback); mm/page-writeback.c
 * write_cache_pages (a WB_SYNC_ALL pass waits on a locked folio's writeback);
 * mm/migrate.c migrate_folio_unmap / __unmap_and_move (MIGRATE_SYNC waits with the folio
 * locked); mm/vmscan.c shrink_folio_list / shrink_page_list (waits on a locked folio
 * under writeback when reclaim must).
 */
export const FOLIO_LOCK_HOLDERS =
  /^(?:truncate_inode_pages_range|truncate_inode_partial_folio|truncate_inode_partial_page|invalidate_inode_pages2_range|write_cache_pages|migrate_folio_unmap|__unmap_and_move|unmap_and_move|shrink_folio_list|shrink_page_list)(?:\.(?:isra|constprop|part)\.\d+)*$/;

/** The writeback waits a folio-lock holder sleeps in (mm/page-writeback.c, mm/filemap.c). */
export const WRITEBACK_WAIT_FRAMES =
  /^(?:folio_wait_writeback|wait_on_page_writeback|folio_wait_stable|wait_for_stable_page)$/;

/**
 * Functions that run with a folio their caller locked, and keep it locked while they wait
 * for other things (a lock, memory, a reply): a task blocked under one of them, in any wait
 * but a folio lock's, holds a folio lock.
 * Sources: mm/hugetlb.c hugetlb_fault locks the pagecache folio (filemap_lock_hugetlb_folio,
 * folio_lock before 6.x) before calling hugetlb_wp (hugetlb_cow before 6.0) for a write
 * fault, which may drop and retake hugetlb_fault_mutex_table with it still locked (until
 * 6.16, "mm/hugetlb: fix a deadlock with pagecache_folio and hugetlb_fault_mutex_table");
 * ->read_folio (->readpage before 5.19) is called with the folio locked and unlocks it when
 * the read completes: mm/filemap.c filemap_read_folio, do_read_cache_folio, fs/mpage.c
 * mpage_read_folio, do_mpage_readpage, mpage_readpage, fs/buffer.c block_read_full_folio,
 * block_read_full_page; ->readahead's folios are added to the page cache locked
 * (mm/readahead.c read_pages, fs/mpage.c mpage_readahead, mpage_readpages).
 */
export const FOLIO_LOCKED_ACROSS =
  /^(?:hugetlb_wp|hugetlb_cow|filemap_read_folio|do_read_cache_folio|mpage_read_folio|do_mpage_readpage|mpage_readpage|block_read_full_folio|block_read_full_page|read_pages|mpage_readahead|mpage_readpages)(?:\.(?:isra|constprop|part)\.\d+)*$/;

/**
 * Functions that lock the page a filesystem callback returned, when the callback did not
 * say it left it locked: mm/memory.c do_page_mkwrite (2.6.x-6.x: `if (!(ret &
 * VM_FAULT_LOCKED)) lock_page(page)`; its callers do_shared_fault and wp_page_shared do not
 * hold the page locked across ->page_mkwrite). A task blocked in that lock_page waits for
 * another holder of the page or, when the ->page_mkwrite callback returned 0 with the page
 * still locked (a broken callback), for itself.
 */
export const FOLIO_LOCK_AFTER_CALLBACK = /^(?:do_page_mkwrite|folio_mkwrite_check_truncate)$/;
