//! One body per operation, compiled for both databases. A module lists its operations once in
//! `operations!`; the macro compiles each body for SQLite and for PostgreSQL (the SQL text is the
//! same: placeholders are `$N`, which both accept) and adds the `Store` method that runs it on the
//! store's backend.

/// What a backend's code sees: `Db` (the sqlx database type), `Tx` and `POSTGRES`, for the few
/// places where the two databases differ.
pub(crate) mod sqlite {
    pub(crate) type Db = sqlx::Sqlite;
    pub(crate) type Tx = sqlx::Transaction<'static, Db>;
    pub(crate) const POSTGRES: bool = false;
}

pub(crate) mod postgres {
    pub(crate) type Db = sqlx::Postgres;
    pub(crate) type Tx = sqlx::Transaction<'static, Db>;
    pub(crate) const POSTGRES: bool = true;
}

/// The names every module's SQL code uses.
pub(crate) mod prelude {
    pub(crate) use crate::backend::operations;
    pub(crate) use crate::error::{Result, conflict, corrupt, not_found, unique};
    pub(crate) use crate::rows::*;
    pub(crate) use domain::event::{Event, NewEvent};
    pub(crate) use domain::{Actor, narrative};
    pub(crate) use sqlx::Pool;
    pub(crate) use time::OffsetDateTime;
    pub(crate) use uuid::Uuid;
}

/// ```ignore
/// operations! {
///     uses: incidents, events;  // those modules' per-backend helpers
///     helpers {                 // compiled per backend, no `Store` method
///         async fn lock(tx: &mut Tx, …) -> Result<…> { … }
///     }
///     ops {
///         /// Documents the `Store` method.
///         pub write fn append_log(pool, incident_id: Uuid, …) -> Result<LogEntry> { … }
///         pub read fn log(pool, incident_id: Uuid) -> Result<Vec<LogEntry>> { … }
///     }
/// }
/// ```
///
/// (`uses`, `helpers` and `ops` are words of their own because an operation may start with an
/// identifier: the macro could not tell a module name from an operation's visibility.)
///
/// `pool` names the body's `&Pool<Db>`. `read` runs the body as it is; `write` queues it behind
/// the other SQLite writers (one at a time, in order) and wakes the event relay once it succeeded,
/// for the events it may have committed. The method takes the visibility written before the kind:
/// a private operation serves hand-written `Store` methods that adapt its arguments.
macro_rules! operations {
    (
        $(uses: $($uses:ident),+ ;)?
        $(helpers { $($helper:item)* })?
        ops {
            $(
                $(#[$meta:meta])*
                $vis:vis $kind:ident fn $name:ident($pool:ident $(, $arg:ident: $ty:ty)* $(,)?) -> $ret:ty $body:block
            )*
        }
    ) => {
        #[allow(unused_imports)]
        pub(crate) mod sqlite {
            use super::*;
            use $crate::backend::sqlite::{Db, POSTGRES, Tx};
            $($(use $crate::$uses::sqlite::*;)+)?
            $crate::backend::operations!(@backend [$($($helper)*)?] $($(#[$meta])* $name($pool $(, $arg: $ty)*) -> $ret $body)*);
        }

        #[allow(unused_imports)]
        pub(crate) mod postgres {
            use super::*;
            use $crate::backend::postgres::{Db, POSTGRES, Tx};
            $($(use $crate::$uses::postgres::*;)+)?
            $crate::backend::operations!(@backend [$($($helper)*)?] $($(#[$meta])* $name($pool $(, $arg: $ty)*) -> $ret $body)*);
        }

        impl $crate::Store {
            $(
                $(#[$meta])*
                $vis async fn $name(&self, $($arg: $ty),*) -> $ret {
                    let writes = $crate::backend::operations!(@writes $kind);
                    let turn = self.health.admit()?;
                    let _turn = self.turn(writes).await;
                    let out = match &self.pool {
                        $crate::Pool::Sqlite(p) => sqlite::$name(p, $($arg),*).await,
                        $crate::Pool::Postgres(p) => postgres::$name(p, $($arg),*).await,
                    };
                    // Only PostgreSQL has a probe to find it back (see `Store::probe`).
                    if let (Err(e), $crate::Pool::Postgres(_)) = (&out, &self.pool) {
                        self.health.observe(e, turn);
                    }
                    if writes && out.is_ok() {
                        self.bus.poke();
                    }
                    out
                }
            )*
        }
    };
    (@backend [$($helper:item)*] $($(#[$meta:meta])* $name:ident($pool:ident $(, $arg:ident: $ty:ty)*) -> $ret:ty $body:block)*) => {
        $($helper)*
        $(
            $(#[$meta])*
            pub(super) async fn $name($pool: &Pool<Db>, $($arg: $ty),*) -> $ret $body
        )*
    };
    (@writes read) => {
        false
    };
    (@writes write) => {
        true
    };
}

pub(crate) use operations;
