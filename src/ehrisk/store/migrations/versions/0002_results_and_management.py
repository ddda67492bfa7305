"""results and risk management: risk_management (HJ 941-2018 M attributes per enterprise),
risk_map_run / risk_map_result (per-enterprise attributable risk of each risk-map run) and
risk_code_history (environmental health risk codes with their reasons and input checksums).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 10:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

WATER = ("containment", "accident_wastewater_collection", "clean_wastewater_system",
         "rainwater_system", "wastewater_treatment", "sewer_discharge_permit",
         "hazardous_waste_management")


def upgrade() -> None:
    op.create_table(
        'risk_management',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('enterprise_id', sa.Integer(), nullable=False),
        sa.Column('process_units', sa.Text(), nullable=True),
        sa.Column('n_hazardous_process_sets', sa.Integer(), nullable=False),
        sa.Column('n_other_process_sets', sa.Integer(), nullable=True),
        sa.Column('n_tank_farms', sa.Integer(), nullable=True),
        sa.Column('n_phase_out_sets', sa.Integer(), nullable=True),
        sa.Column('toxic_gas_leak_monitoring', sa.Boolean(), nullable=True),
        sa.Column('protection_distance_ok', sa.Boolean(), nullable=True),
        sa.Column('air_events_3yr', sa.String(length=10), nullable=True),
        sa.Column('water_events_3yr', sa.String(length=10), nullable=True),
        sa.Column('penalised_3yr', sa.Boolean(), nullable=True),
        *[sa.Column(f'water_{w}', sa.Boolean(), nullable=True) for w in WATER],
        sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('enterprise_id'),
    )
    op.create_index('ix_risk_management_enterprise_id', 'risk_management', ['enterprise_id'])
    op.create_table(
        'risk_map_run',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('computed_at', sa.DateTime(), nullable=False),
        sa.Column('out_dir', sa.String(length=1000), nullable=False),
        sa.Column('inventory_year', sa.Integer(), nullable=True),
        sa.Column('resolution_m', sa.Float(), nullable=False),
        sa.Column('cutoff_m', sa.Float(), nullable=True),
        sa.Column('crs', sa.String(length=40), nullable=True),
        sa.Column('basis', sa.Text(), nullable=True),
        sa.Column('met_source', sa.String(length=500), nullable=True),
        sa.Column('inputs_sha256', sa.String(length=64), nullable=True),
        sa.Column('summary', sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_risk_map_run_computed_at', 'risk_map_run', ['computed_at'])
    op.create_table(
        'risk_map_result',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('run_id', sa.Integer(), nullable=False),
        sa.Column('credit_code', sa.String(length=18), nullable=False),
        sa.Column('max_cancer_risk_contribution', sa.Float(), nullable=False),
        sa.Column('max_hi_contribution', sa.Float(), nullable=False),
        sa.Column('attributable_cases_per_yr', sa.Float(), nullable=False),
        sa.Column('top_substance', sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(['run_id'], ['risk_map_run.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('run_id', 'credit_code'),
    )
    op.create_index('ix_risk_map_result_run_id', 'risk_map_result', ['run_id'])
    op.create_index('ix_risk_map_result_credit_code', 'risk_map_result', ['credit_code'])
    op.create_table(
        'risk_code_history',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('credit_code', sa.String(length=18), nullable=False),
        sa.Column('computed_at', sa.DateTime(), nullable=False),
        sa.Column('code', sa.String(length=10), nullable=False),
        sa.Column('level', sa.String(length=40), nullable=True),
        sa.Column('fired_rules', sa.Text(), nullable=True),
        sa.Column('reasons_zh', sa.Text(), nullable=True),
        sa.Column('reasons_en', sa.Text(), nullable=True),
        sa.Column('previous_code', sa.String(length=10), nullable=True),
        sa.Column('change', sa.String(length=20), nullable=True),
        sa.Column('inputs_sha256', sa.String(length=64), nullable=False),
        sa.Column('inputs', sa.Text(), nullable=True),
        sa.Column('risk_map_run_id', sa.Integer(), nullable=True),
        sa.Column('user', sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_risk_code_history_credit_code', 'risk_code_history', ['credit_code'])
    op.create_index('ix_risk_code_history_computed_at', 'risk_code_history', ['computed_at'])


def downgrade() -> None:
    op.drop_table('risk_code_history')
    op.drop_table('risk_map_result')
    op.drop_table('risk_map_run')
    op.drop_table('risk_management')
