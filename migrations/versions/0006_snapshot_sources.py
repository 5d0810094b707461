"""snapshot sources, feed runs, and listings' company and cross-posting key (issue 11)

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'snapshot_sources',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('snapshot_id', sa.Integer(), nullable=False),
        sa.Column('source', sa.String(length=64), nullable=False),
        sa.Column('rows', sa.Integer(), nullable=False),
        sa.Column('first_posted', sa.Date(), nullable=False),
        sa.Column('last_posted', sa.Date(), nullable=False),
        sa.Column('licence', sa.String(length=128), nullable=True),
        sa.Column('url', sa.String(length=512), nullable=True),
        sa.ForeignKeyConstraint(['snapshot_id'], ['data_snapshots.id'],
                                name=op.f('fk_snapshot_sources_snapshot_id_data_snapshots'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_snapshot_sources')),
        sa.UniqueConstraint('snapshot_id', 'source', name=op.f('uq_snapshot_sources_snapshot_id')),
    )
    op.create_table(
        'feed_runs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('source', sa.String(length=64), nullable=False),
        sa.Column('url', sa.String(length=512), nullable=False),
        sa.Column('ok', sa.Boolean(), nullable=False),
        sa.Column('summary', sa.Text(), nullable=False),
        sa.Column('snapshot_id', sa.Integer(), nullable=True),
        sa.Column('finished_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'),
                  nullable=False),
        sa.ForeignKeyConstraint(['snapshot_id'], ['data_snapshots.id'],
                                name=op.f('fk_feed_runs_snapshot_id_data_snapshots'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_feed_runs')),
    )
    with op.batch_alter_table('listings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('company', sa.String(length=256), nullable=True))
        batch_op.add_column(sa.Column('crosspost_key', sa.String(length=512), nullable=True))
        batch_op.create_index(batch_op.f('ix_listings_crosspost_key'), ['crosspost_key'], unique=False)


def downgrade():
    with op.batch_alter_table('listings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_listings_crosspost_key'))
        batch_op.drop_column('crosspost_key')
        batch_op.drop_column('company')
    op.drop_table('feed_runs')
    op.drop_table('snapshot_sources')
