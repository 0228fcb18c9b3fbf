import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cachingStatements } from '../../src/store/sqlite-statements.js';

describe('the SQLite statement cache', () => {
  let database: BetterSqlite3.Database;
  afterEach(() => {
    if (database.open) database.close();
  });

  const open = () => {
    database = new BetterSqlite3(':memory:');
    database.exec('CREATE TABLE t (x INTEGER)');
    return vi.spyOn(database, 'prepare');
  };

  it('prepares one SQL text once and answers the same statement after', () => {
    const prepare = open();
    const handle = cachingStatements(database, 10);
    const first = handle.prepare('INSERT INTO t VALUES (?)');
    first.run([1]);
    const again = handle.prepare('INSERT INTO t VALUES (?)');
    again.run([2]);
    expect(again).toBe(first);
    expect(prepare).toHaveBeenCalledTimes(1);
    expect(handle.prepare('SELECT x FROM t ORDER BY x').all([])).toEqual([{ x: 1 }, { x: 2 }]);
  });

  it('forgets the least recently used statement past its size', () => {
    const prepare = open();
    const handle = cachingStatements(database, 2);
    handle.prepare('SELECT 1');
    handle.prepare('SELECT 2');
    handle.prepare('SELECT 1');
    handle.prepare('SELECT 3');
    expect(prepare).toHaveBeenCalledTimes(3);
    handle.prepare('SELECT 1');
    expect(prepare).toHaveBeenCalledTimes(3);
    handle.prepare('SELECT 2');
    expect(prepare).toHaveBeenCalledTimes(4);
  });

  it('sees a schema changed after a statement was prepared', () => {
    open();
    const handle = cachingStatements(database, 10);
    expect(handle.prepare('SELECT * FROM t').all([])).toEqual([]);
    database.exec('ALTER TABLE t ADD COLUMN y TEXT');
    database.exec("INSERT INTO t VALUES (1, 'a')");
    expect(handle.prepare('SELECT * FROM t').all([])).toEqual([{ x: 1, y: 'a' }]);
  });
});
