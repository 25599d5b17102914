//! The two backends: the same operations (`ops.rs`) compiled once for each database.

pub mod sqlite {
    pub type Db = sqlx::Sqlite;
    const POSTGRES: bool = false;
    const MIGRATIONS: &[(i64, &str)] = &[
        (1, include_str!("../migrations/sqlite/0001_crisis_room.sql")),
        (2, include_str!("../migrations/sqlite/0002_guide.sql")),
        (3, include_str!("../migrations/sqlite/0003_feedback_inquiries.sql")),
        (4, include_str!("../migrations/sqlite/0004_channels.sql")),
        (5, include_str!("../migrations/sqlite/0005_staffing.sql")),
        (6, include_str!("../migrations/sqlite/0006_shifts.sql")),
    ];
    include!("ops.rs");
    include!("ops_guide.rs");
    include!("ops_inquiries.rs");
    include!("ops_channels.rs");
    include!("ops_staffing.rs");
    include!("ops_shifts.rs");
}

pub mod postgres {
    pub type Db = sqlx::Postgres;
    const POSTGRES: bool = true;
    const MIGRATIONS: &[(i64, &str)] = &[
        (1, include_str!("../migrations/postgres/0001_crisis_room.sql")),
        (2, include_str!("../migrations/postgres/0002_guide.sql")),
        (3, include_str!("../migrations/postgres/0003_feedback_inquiries.sql")),
        (4, include_str!("../migrations/postgres/0004_channels.sql")),
        (5, include_str!("../migrations/postgres/0005_staffing.sql")),
        (6, include_str!("../migrations/postgres/0006_shifts.sql")),
    ];
    include!("ops.rs");
    include!("ops_guide.rs");
    include!("ops_inquiries.rs");
    include!("ops_channels.rs");
    include!("ops_staffing.rs");
    include!("ops_shifts.rs");
}
