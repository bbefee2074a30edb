"""Where the learned fast weights of a balanced-lds run differ from D^T D + mu I.

Usage: python3 shape.py RUN/model.safetensors   (numpy; the file is written by every balanced run)
Prints the lateral scale by the cosine between decoding vectors, the residual's main modes, and the
fit Omega^f[:, k] = D^T m_k (each presynaptic column in the decoder's row space): m_k's length along
D_k and its rotation, against the rotation that uneven spacing of the decoding vectors would give.
"""
import json,struct,sys
import numpy as np
def load(p):
    b=open(p,'rb').read(); n=struct.unpack('<Q',b[:8])[0]; h=json.loads(b[8:8+n]); d={}
    for k,v in h.items():
        if k=='__metadata__': continue
        s,e=v['data_offsets']; d[k]=np.frombuffer(b[8+n+s:8+n+e],dtype='<f8').reshape(v['shape'])
    return d
d=load(sys.argv[1]); D=d['decoder']; F=d['omega_fast']; n=F.shape[0]
G=D.T@D; off=~np.eye(n,dtype=bool)
norms=np.linalg.norm(D,axis=0); print('decoder norms', norms.min(), norms.max())
cos=G/np.outer(norms,norms)
x=G[off]; y=F[off]; c=cos[off]
s=(x@y)/(x@x); print('lateral best scale', s, 'diag ratio', np.mean(np.diag(F)/np.diag(G)))
bins=np.linspace(-1,1,11)
for lo,hi in zip(bins[:-1],bins[1:]):
    m=(c>=lo)&(c<hi)
    if m.sum()==0: continue
    print(f"cos [{lo:+.1f},{hi:+.1f}) n={m.sum():5d}  target {x[m].mean():+.4f}  learned {y[m].mean():+.4f}  ratio {y[m].mean()/x[m].mean() if abs(x[m].mean())>1e-9 else float('nan'):.3f}  resid sd {np.std(y[m]-s*x[m]):.4f}")
# symmetric?
print('asymmetry', np.linalg.norm(F-F.T)/np.linalg.norm(F))
# residual structure: fit y = a*x + b*x^2... 
R=F-s*G; np.fill_diagonal(R,0)
print('resid norm rel', np.linalg.norm(R)/np.linalg.norm(G*off))
# residual projected on decoder row space (visible) vs outside
P=D.T@np.linalg.solve(D@D.T,D)
Rv=P@R@P; print('resid share visible (P R P)', np.linalg.norm(Rv)/np.linalg.norm(R))
w,v=np.linalg.eigh((R+R.T)/2); print('resid eigs top', np.round(w[-5:],4), 'bottom', np.round(w[:5],4))
phi=np.arctan2(D[1],D[0]); ones=np.ones(n)/np.sqrt(n)
basis={'1':np.ones(n),'cos':np.cos(phi),'sin':np.sin(phi),'cos2':np.cos(2*phi),'sin2':np.sin(2*phi),'cos3':np.cos(3*phi),'sin3':np.sin(3*phi)}
for idx in list(range(3))+list(range(n-3,n)):
    vec=v[:,idx]; print(f"eig {w[idx]:+.5f}", ' '.join(f"{k}:{abs(vec@(b/np.linalg.norm(b))):.2f}" for k,b in basis.items()))
# asymmetric part
A=(F-F.T)/2; wa=np.linalg.svd(A,compute_uv=False); print('asym sv', np.round(wa[:6],5))
Fo=F.copy(); np.fill_diagonal(Fo, np.diag(G))  # diagonal at its target, lateral learned
M=np.linalg.solve(D@D.T, D@Fo)   # 2 x N: column k's best row-space fit m_k
fit=D.T@M; print('columns outside row space (rel)', np.linalg.norm(Fo-fit)/np.linalg.norm(Fo))
Dk=D; par=np.sum(M*Dk,0)/np.sum(Dk*Dk,0); perp=(M[0]*Dk[1]-M[1]*Dk[0])/np.sum(Dk*Dk,0)
print('m_k along D_k: mean %.4f sd %.4f; perpendicular (angle, rad): mean %.4f sd %.4f'%(par.mean(),par.std(),perp.mean(),perp.std()))
# does par depend on the neuron's angle?
for lo in np.linspace(-np.pi,np.pi,9)[:-1]:
    m=(phi>=lo)&(phi<lo+np.pi/4); print(f"phi [{lo:+.2f}) n={m.sum():3d} par {par[m].mean():.3f} perp {perp[m].mean():+.3f}")
order=np.argsort(phi); ph=phi[order]
g_prev=np.empty(n); g_next=np.empty(n)
for idx,k in enumerate(order):
    p_prev=ph[idx-1]; p_next=ph[(idx+1)%n]
    g_prev[k]=(phi[k]-p_prev)%(2*np.pi); g_next[k]=(p_next-phi[k])%(2*np.pi)
pred=(g_next-g_prev)/4
print('face-asymmetry prediction: corr(perp, pred) = %.3f, slope %.3f, pred sd %.4f'%(np.corrcoef(perp,pred)[0,1], (perp@pred)/(pred@pred), pred.std()))
print('corr(par, gap sum)', np.corrcoef(par, g_next+g_prev)[0,1])
