"""runs and results: run (kind, settings, provenance, status, times), run_step (the outcome
of each step), run_artefact (the catalogue of a run's tables, arrays and files; files by a path
relative to the database's data directory) and run_table (the bytes of table artefacts).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 10:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'run',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('uid', sa.String(length=32), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('label', sa.String(length=300), nullable=True),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('started_utc', sa.DateTime(), nullable=False),
        sa.Column('finished_utc', sa.DateTime(), nullable=True),
        sa.Column('synthetic', sa.Boolean(), nullable=False),
        sa.Column('ehrisk_version', sa.String(length=40), nullable=True),
        sa.Column('settings', sa.Text(), nullable=False),
        sa.Column('provenance', sa.Text(), nullable=False),
        sa.Column('error', sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('uid'),
    )
    op.create_index('ix_run_kind', 'run', ['kind'])
    op.create_index('ix_run_started_utc', 'run', ['started_utc'])
    op.create_table(
        'run_step',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('run_id', sa.Integer(), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('step', sa.String(length=80), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('seconds', sa.Float(), nullable=True),
        sa.Column('outcome', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['run_id'], ['run.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('run_id', 'seq'),
    )
    op.create_index('ix_run_step_run_id', 'run_step', ['run_id'])
    op.create_table(
        'run_artefact',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('run_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=300), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('rows', sa.Integer(), nullable=True),
        sa.Column('columns', sa.Text(), nullable=True),
        sa.Column('relpath', sa.String(length=1000), nullable=True),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('bytes', sa.BigInteger(), nullable=False),
        sa.Column('meta', sa.Text(), nullable=True),
        sa.Column('created_utc', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['run_id'], ['run.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('run_id', 'name'),
    )
    op.create_index('ix_run_artefact_run_id', 'run_artefact', ['run_id'])
    op.create_table(
        'run_table',
        sa.Column('artefact_id', sa.Integer(), nullable=False),
        sa.Column('format', sa.String(length=20), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['artefact_id'], ['run_artefact.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('artefact_id'),
    )


def downgrade() -> None:
    op.drop_table('run_table')
    op.drop_table('run_artefact')
    op.drop_table('run_step')
    op.drop_table('run')
